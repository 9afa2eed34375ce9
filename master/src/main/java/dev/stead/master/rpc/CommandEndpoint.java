package dev.stead.master.rpc;

import dev.stead.master.jobs.ConnectedAgents;
import dev.stead.proto.v1.AgentCommand;
import dev.stead.proto.v1.CommandServiceGrpc;
import dev.stead.proto.v1.SubscribeRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Holds each agent daemon's command stream: a node certificate subscribes for its own name
 * only, and the stream stays open (the master pushes "run now" down it) until the agent or the
 * connection goes away.
 */
public final class CommandEndpoint extends CommandServiceGrpc.CommandServiceImplBase {
  private final ConnectedAgents agents;

  public CommandEndpoint(ConnectedAgents agents) {
    this.agents = agents;
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<AgentCommand> observer) {
    if (request.getNode().isEmpty()) {
      observer.onError(Unary.invalid("subscribe: node is empty; give this node's certname"));
      return;
    }
    try {
      Identity.current().requireNode(request.getNode(), "subscribe to the commands");
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    }
    ServerCallStreamObserver<AgentCommand> call = (ServerCallStreamObserver<AgentCommand>) observer;
    ConnectedAgents.Stream[] held = new ConnectedAgents.Stream[1];
    // Set before the stream is held: a cancel is then never missed.
    call.setOnCancelHandler(() -> {
      synchronized (held) {
        if (held[0] != null) {
          agents.disconnected(held[0]);
        }
      }
    });
    synchronized (held) {
      held[0] = agents.connect(request.getNode(),
          Identity.current().certificate().orElseThrow(), call);
    }
  }
}
