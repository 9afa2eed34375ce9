package dev.stead.wire;

import dev.stead.proto.v1.Value;
import dev.stead.proto.v1.ValueList;
import dev.stead.proto.v1.ValueMap;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts between plain Java values and the wire {@link Value}. Accepts {@link CharSequence}
 * (so Groovy strings work), integral numbers, booleans, lists and string-keyed maps.
 * Stateless and thread-safe.
 */
public final class Values {
  private Values() {}

  /** The wire form of {@code object}; throws {@link IllegalArgumentException} naming the type otherwise. */
  public static Value of(Object object) {
    if (object instanceof Value v) {
      return v;
    }
    if (object instanceof SecretBlob secret) {
      return secret.toValue();
    }
    if (object instanceof CharSequence s) {
      return Value.newBuilder().setStringValue(s.toString()).build();
    }
    if (object instanceof Boolean b) {
      return Value.newBuilder().setBoolValue(b).build();
    }
    if (object instanceof Integer || object instanceof Long || object instanceof Short
        || object instanceof Byte) {
      return Value.newBuilder().setIntValue(((Number) object).longValue()).build();
    }
    if (object instanceof BigInteger big) {
      return Value.newBuilder().setIntValue(big.longValueExact()).build();
    }
    if (object instanceof Double || object instanceof Float || object instanceof BigDecimal) {
      return Value.newBuilder().setDoubleValue(((Number) object).doubleValue()).build();
    }
    if (object instanceof Iterable<?> items) {
      ValueList.Builder list = ValueList.newBuilder();
      for (Object item : items) {
        list.addValues(of(item));
      }
      return Value.newBuilder().setListValue(list).build();
    }
    if (object instanceof Map<?, ?> map) {
      ValueMap.Builder entries = ValueMap.newBuilder();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        entries.putEntries(String.valueOf(e.getKey()), of(e.getValue()));
      }
      return Value.newBuilder().setMapValue(entries).build();
    }
    String type = object == null ? "null" : object.getClass().getName();
    throw new IllegalArgumentException("unsupported value type " + type
        + " (use a string, number, boolean, list or map)");
  }

  /**
   * The plain Java form: String, Long, Boolean, Double, an unmodifiable List or an
   * unmodifiable key-sorted Map; null for an unset value.
   */
  public static Object toJava(Value value) {
    switch (value.getKindCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case INT_VALUE:
        return value.getIntValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case DOUBLE_VALUE:
        return value.getDoubleValue();
      case LIST_VALUE: {
        List<Object> out = new ArrayList<>();
        for (Value v : value.getListValue().getValuesList()) {
          out.add(toJava(v));
        }
        return Collections.unmodifiableList(out);
      }
      case MAP_VALUE:
        return toJavaMap(value.getMapValue().getEntriesMap());
      case SECRET_VALUE:
        return SecretBlob.render(value.getSecretValue());
      default:
        return null;
    }
  }

  /** A key-sorted unmodifiable map of the plain Java forms. */
  public static Map<String, Object> toJavaMap(Map<String, Value> values) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, Value> e : values.entrySet()) {
      out.put(e.getKey(), toJava(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Wire form of a string-keyed map, keeping iteration order. */
  public static Map<String, Value> ofMap(Map<String, ?> values) {
    Map<String, Value> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, of(v)));
    return out;
  }

  /** A short human rendering: strings bare, lists as [a, b], maps as {k: v}. */
  public static String render(Value value) {
    Object java = toJava(value);
    return java == null ? "" : String.valueOf(java);
  }
}
