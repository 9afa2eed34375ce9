package dev.stead.dsl.internal;

import dev.stead.wire.SecretBlob;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The language's secrets: {@code secret('ENC[…]')} in code, and data values shaped like an
 * encrypted blob, which {@code lookup} returns as secrets. The compiler never decrypts: a
 * secret is a {@link SecretBlob} that becomes a reference (key id and keyed hash) in the
 * catalog. Stateless.
 */
final class SecretFunction {
  private SecretFunction() {}

  /** {@code secret(text)}: a clear error (at the caller's line) when text is not a blob. */
  static SecretBlob secret(Object text) {
    if (text instanceof SecretBlob blob) {
      return blob;
    }
    if (!(text instanceof CharSequence chars)) {
      throw new Evaluation.DataMissing("secret(...) takes the text printed by "
          + "`stead secret encrypt`, got " + (text == null ? "null"
          : text.getClass().getSimpleName()));
    }
    try {
      return SecretBlob.parse(chars.toString());
    } catch (IllegalArgumentException e) {
      throw new Evaluation.DataMissing("secret(...): " + e.getMessage());
    }
  }

  /** A looked-up value with every blob-shaped string (also in lists and maps) a secret. */
  static Object fromData(Object value) {
    if (value instanceof CharSequence s && SecretBlob.looksLike(s.toString())) {
      return secret(s);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      boolean changed = false;
      for (Object item : list) {
        Object converted = fromData(item);
        changed |= converted != item;
        out.add(converted);
      }
      return changed ? Collections.unmodifiableList(out) : value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      boolean changed = false;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object converted = fromData(e.getValue());
        changed |= converted != e.getValue();
        out.put(e.getKey(), converted);
      }
      return changed ? Collections.unmodifiableMap(out) : value;
    }
    return value;
  }
}
