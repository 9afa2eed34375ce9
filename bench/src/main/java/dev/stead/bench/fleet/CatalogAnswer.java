package dev.stead.bench.fleet;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Resource;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a simulated agent keeps of a catalog answer, read from the wire without parsing the
 * catalog: which answer it is, and the digest, code version, resource count and first
 * {@value #TITLES} resource keys of a catalog. A real agent parses its catalog on its own
 * machine; the simulator runs thousands of agents beside the master, and parsing every
 * 400 KB catalog into messages took CPU the master measured here should have.
 */
record CatalogAnswer(Kind kind, String digest, String codeVersion, int resources,
    List<String> titles) {

  /** Which of the response's answers was set. */
  enum Kind { CATALOG, UNCHANGED, FAILURE, NONE }

  /** Resource keys kept, as a real report names a few of the resources it checked. */
  static final int TITLES = 3;

  private static final int RESPONSE_CATALOG =
      tag(GetCatalogResponse.CATALOG_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int RESPONSE_FAILURE =
      tag(GetCatalogResponse.FAILURE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int RESPONSE_UNCHANGED =
      tag(GetCatalogResponse.UNCHANGED_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int CATALOG_CODE_VERSION =
      tag(Catalog.CODE_VERSION_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int CATALOG_RESOURCES =
      tag(Catalog.RESOURCES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int CATALOG_DIGEST =
      tag(Catalog.DIGEST_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int RESOURCE_TYPE =
      tag(Resource.TYPE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int RESOURCE_TITLE =
      tag(Resource.TITLE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);

  /** An answer that carries no catalog: only which one it is. */
  private static CatalogAnswer bare(Kind kind) {
    return new CatalogAnswer(kind, "", "", 0, List.of());
  }

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  /** The GetCatalog method with its answer read as a CatalogAnswer. */
  static MethodDescriptor<GetCatalogRequest, CatalogAnswer> method(int maxBytes) {
    MethodDescriptor<GetCatalogRequest, GetCatalogResponse> full =
        CatalogServiceGrpc.getGetCatalogMethod();
    return full.toBuilder(full.getRequestMarshaller(), new Reader(maxBytes)).build();
  }

  /** Reads answers; a simulated agent never sends one. */
  private record Reader(int maxBytes) implements MethodDescriptor.Marshaller<CatalogAnswer> {
    @Override
    public InputStream stream(CatalogAnswer value) {
      throw new UnsupportedOperationException("a simulated agent only reads answers");
    }

    @Override
    public CatalogAnswer parse(InputStream stream) {
      CodedInputStream in = CodedInputStream.newInstance(stream);
      in.setSizeLimit(maxBytes);
      try {
        return read(in);
      } catch (IOException e) {
        throw new UncheckedIOException("a catalog answer could not be read", e);
      }
    }
  }

  /** Reads a serialized GetCatalogResponse; a field repeated wins last, as in a parse. */
  static CatalogAnswer read(CodedInputStream in) throws IOException {
    CatalogAnswer answer = bare(Kind.NONE);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == RESPONSE_CATALOG) {
        int limit = in.pushLimit(in.readRawVarint32());
        answer = catalog(in);
        in.popLimit(limit);
      } else if (tag == RESPONSE_UNCHANGED) {
        answer = in.readBool() ? bare(Kind.UNCHANGED) : answer;
      } else if (tag == RESPONSE_FAILURE) {
        in.skipField(tag);
        answer = bare(Kind.FAILURE);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return answer;
  }

  private static CatalogAnswer catalog(CodedInputStream in) throws IOException {
    String digest = "";
    String codeVersion = "";
    int resources = 0;
    List<String> titles = new ArrayList<>(TITLES);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == CATALOG_DIGEST) {
        digest = in.readStringRequireUtf8();
      } else if (tag == CATALOG_CODE_VERSION) {
        codeVersion = in.readStringRequireUtf8();
      } else if (tag == CATALOG_RESOURCES) {
        resources++;
        if (titles.size() < TITLES) {
          int limit = in.pushLimit(in.readRawVarint32());
          titles.add(key(in));
          in.popLimit(limit);
        } else {
          in.skipField(tag);
        }
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new CatalogAnswer(Kind.CATALOG, digest, codeVersion, resources, List.copyOf(titles));
  }

  /** {@code type[title]} of the resource the input is limited to, read to its end. */
  private static String key(CodedInputStream in) throws IOException {
    String type = "";
    String title = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == RESOURCE_TYPE) {
        type = in.readStringRequireUtf8();
      } else if (tag == RESOURCE_TITLE) {
        title = in.readStringRequireUtf8();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return type + "[" + title + "]";
  }
}
