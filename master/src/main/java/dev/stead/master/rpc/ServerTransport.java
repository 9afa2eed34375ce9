package dev.stead.master.rpc;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How the master's port moves bytes: Linux's epoll through Netty's native transport (shipped
 * with the master) when it loads, because every check-in of an agent that dials per run opens
 * a connection, and the native transport accepts, reads and writes it with fewer system calls
 * and less garbage than Java's selector; Java's NIO otherwise. What is served is the same with
 * either.
 *
 * <p>An operator chooses with the system property {@value #PROPERTY} or the environment
 * variable {@value #ENVIRONMENT}: {@code nio} forces Java's NIO, {@code epoll} insists on the
 * native transport and refuses to start without it, {@code auto} (the default) picks epoll
 * when it loads. The property wins over the variable. Immutable.
 *
 * @param isNative true when the native epoll transport serves the port
 * @param ioHandlers the event loops' handler, for the accepting loop and the I/O loops alike
 * @param listeners makes the listening channel
 * @param description what moves the bytes and why, for the start-up log line
 */
public record ServerTransport(boolean isNative, IoHandlerFactory ioHandlers,
    Supplier<ServerChannel> listeners, String description) {
  public static final String PROPERTY = "stead.transport";
  public static final String ENVIRONMENT = "STEAD_TRANSPORT";

  /** The choice for this process, from {@value #PROPERTY} or {@value #ENVIRONMENT}. */
  public static ServerTransport fromEnvironment() {
    OperatorSetting setting = OperatorSetting.read(PROPERTY, ENVIRONMENT);
    return choose(setting.value(), setting.source());
  }

  /**
   * @param setting {@code auto}, {@code nio} or {@code epoll}, in any case
   * @param source where the setting came from, named in errors and the log line
   * @throws IllegalArgumentException for another setting, or {@code epoll} when the native
   *     transport does not load here (the message carries the reason)
   */
  static ServerTransport choose(String setting, String source) {
    return switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "nio" -> nio("forced by " + source);
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(source + "=epoll but the native transport does"
              + " not load: " + Epoll.unavailabilityCause());
        }
        yield epoll("required by " + source);
      }
      case "auto" -> Epoll.isAvailable() ? epoll("available")
          : nio("epoll does not load: " + Epoll.unavailabilityCause());
      default -> throw new IllegalArgumentException(source + "=" + setting
          + " is not a transport: use auto, nio or epoll");
    };
  }

  private static ServerTransport epoll(String why) {
    return new ServerTransport(true, EpollIoHandler.newFactory(), EpollServerSocketChannel::new,
        "epoll (" + why + ")");
  }

  private static ServerTransport nio(String why) {
    return new ServerTransport(false, NioIoHandler.newFactory(), NioServerSocketChannel::new,
        "Java NIO (" + why + ")");
  }
}
