package dev.stead.types;

/** The value kinds a resource parameter can take. */
public enum ParameterKind {
  STRING,
  BOOLEAN,
  INTEGER,
  LIST,
  MAP
}
