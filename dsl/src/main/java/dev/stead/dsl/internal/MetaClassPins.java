package dev.stead.dsl.internal;

import groovy.lang.GroovySystem;
import groovy.lang.MetaClass;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the metaclass of each class compiled from Stead code alive as long as the class.
 * Groovy's registry holds a class's metaclass only through a weak reference, and nothing
 * else holds a closure class's metaclass once its closures are gone: after every garbage
 * collection each compile rebuilt, under a lock, the metaclass of every closure class it ran
 * (hundreds at R=1000; a few percent of a compile in profiles). Pinning changes nothing but
 * reachability: the registry hands out the same metaclass it would have built.
 */
final class MetaClassPins {
  /** The value lives in the class's own ClassValue map: collected with the class. */
  private static final ClassValue<MetaClass> PINNED = new ClassValue<>() {
    @Override
    protected MetaClass computeValue(Class<?> type) {
      return GroovySystem.getMetaClassRegistry().getMetaClass(type);
    }
  };

  private MetaClassPins() {}

  static void pin(Class<?> type) {
    PINNED.get(type);
  }

  /**
   * Starts pinning {@code types} on background threads, one a core (at most four), and
   * returns the batch; its caller does other work meanwhile and then {@link Batch#finish}es
   * it. A closure class's metaclass costs about a millisecond to build (java.beans
   * introspects every public method Closure has), and a restarted master builds one for each
   * of its code's closures before the first compile: 600 in the 1,000-resource reference
   * code. Groovy builds metaclasses of different classes concurrently (a lock per class).
   */
  static Batch pinAll(Class<?>[] types, ClassLoader loader) {
    Batch batch = new Batch(types, loader);
    int helpers = Math.min(Math.min(4, Runtime.getRuntime().availableProcessors()),
        types.length / 64);
    for (int i = 0; i < helpers; i++) {
      Thread t = new Thread(batch::work, "code-metaclasses-" + i);
      t.setDaemon(true);
      batch.threads.add(t);
      t.start();
    }
    return batch;
  }

  /** Classes being pinned; {@link #finish} pins what is left and waits for the helpers. */
  static final class Batch {
    private final Class<?>[] types;
    private final ClassLoader loader;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    private Batch(Class<?>[] types, ClassLoader loader) {
      this.types = types;
      this.loader = loader;
    }

    private void work() {
      // java.beans looks for a BeanInfo and a Customizer class of each class through the
      // context class loader as well: the code's own loader answers at once that these do
      // not exist, where the application's would search every jar for them.
      Thread self = Thread.currentThread();
      ClassLoader before = self.getContextClassLoader();
      self.setContextClassLoader(loader);
      try {
        for (int i = next.getAndIncrement(); i < types.length && failure.get() == null;
            i = next.getAndIncrement()) {
          pin(types[i]);
        }
      } catch (RuntimeException | LinkageError e) {
        failure.compareAndSet(null, e);
      } finally {
        self.setContextClassLoader(before);
      }
    }

    /** Pins what no helper took yet, waits for the helpers, rethrows what one of them threw. */
    void finish() {
      work();
      boolean interrupted = false;
      for (Thread t : threads) {
        while (t.isAlive()) {
          try {
            t.join();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable e = failure.get();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof LinkageError l) {
        throw l;
      }
    }
  }
}
