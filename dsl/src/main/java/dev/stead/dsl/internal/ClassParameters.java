package dev.stead.dsl.internal;

import java.util.Optional;

/**
 * Fits an include argument to a class parameter's declared type, with the conversions an
 * author expects (a Long fact into an {@code int} parameter, a GString into a String) and
 * none that lose information. Stateless.
 */
final class ClassParameters {
  /** Stands for a null argument, since Optional cannot hold null. */
  static final Object NULL = new Object();

  private ClassParameters() {}

  static Optional<Object> coerce(Object value, Class<?> type) {
    if (value == null) {
      return type.isPrimitive() ? Optional.empty() : Optional.of(NULL);
    }
    Class<?> boxed = box(type);
    if (boxed.isInstance(value)) {
      return Optional.of(value);
    }
    if (boxed == String.class && value instanceof CharSequence s) {
      return Optional.of(s.toString());
    }
    if (isIntegral(value)) {
      long n = ((Number) value).longValue();
      if (boxed == Integer.class && n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
        return Optional.of((int) n);
      }
      if (boxed == Long.class) {
        return Optional.of(n);
      }
      if (boxed == Double.class) {
        return Optional.of((double) n);
      }
    }
    return Optional.empty();
  }

  private static boolean isIntegral(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte;
  }

  private static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == int.class) {
      return Integer.class;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    if (type == double.class) {
      return Double.class;
    }
    if (type == float.class) {
      return Float.class;
    }
    if (type == short.class) {
      return Short.class;
    }
    if (type == byte.class) {
      return Byte.class;
    }
    return Character.class;
  }
}
