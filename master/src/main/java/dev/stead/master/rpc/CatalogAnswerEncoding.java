package dev.stead.master.rpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.wire.CatalogEncodings;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Writes a catalog answer with the catalog's encoding from when it was sealed ({@link
 * CatalogEncodings}) rather than serializing the catalog again. The catalog's field goes after
 * the rest of the answer; a protobuf parser reads fields in any order, so the agent parses the
 * same message. Requests, and answers without a catalog, are read and written as usual.
 */
final class CatalogAnswerEncoding implements MethodDescriptor.Marshaller<GetCatalogResponse> {
  private static final MethodDescriptor.Marshaller<GetCatalogResponse> PROTO =
      ProtoUtils.marshaller(GetCatalogResponse.getDefaultInstance());

  /** {@code endpoint}'s service, its answers written by this marshaller. */
  static ServerServiceDefinition bind(CatalogServiceGrpc.CatalogServiceImplBase endpoint) {
    ServerServiceDefinition generated = endpoint.bindService();
    MethodDescriptor<GetCatalogRequest, GetCatalogResponse> method =
        CatalogServiceGrpc.getGetCatalogMethod().toBuilder()
            .setResponseMarshaller(new CatalogAnswerEncoding()).build();
    @SuppressWarnings("unchecked")
    ServerCallHandler<GetCatalogRequest, GetCatalogResponse> handler =
        (ServerCallHandler<GetCatalogRequest, GetCatalogResponse>) generated
            .getMethod(method.getFullMethodName()).getServerCallHandler();
    ServiceDescriptor service = ServiceDescriptor.newBuilder(CatalogServiceGrpc.SERVICE_NAME)
        .setSchemaDescriptor(generated.getServiceDescriptor().getSchemaDescriptor())
        .addMethod(method).build();
    return ServerServiceDefinition.builder(service).addMethod(method, handler).build();
  }

  @Override
  public InputStream stream(GetCatalogResponse answer) {
    if (answer.getResultCase() != GetCatalogResponse.ResultCase.CATALOG) {
      return PROTO.stream(answer);
    }
    byte[] catalog = CatalogEncodings.encoded(answer.getCatalog());
    byte[] rest = answer.toBuilder().clearCatalog().build().toByteArray();
    int head = CodedOutputStream.computeTagSize(GetCatalogResponse.CATALOG_FIELD_NUMBER)
        + CodedOutputStream.computeUInt32SizeNoTag(catalog.length);
    byte[] out = new byte[rest.length + head + catalog.length];
    System.arraycopy(rest, 0, out, 0, rest.length);
    CodedOutputStream field = CodedOutputStream.newInstance(out, rest.length, head);
    try {
      field.writeTag(GetCatalogResponse.CATALOG_FIELD_NUMBER,
          WireFormat.WIRETYPE_LENGTH_DELIMITED);
      field.writeUInt32NoTag(catalog.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.arraycopy(catalog, 0, out, rest.length + head, catalog.length);
    return new ByteArrayInputStream(out);
  }

  @Override
  public GetCatalogResponse parse(InputStream stream) {
    return PROTO.parse(stream);
  }
}
