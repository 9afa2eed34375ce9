package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;

/**
 * What a resource call returns: a handle on {@code type[title]} usable in relationships.
 * A body-less call at class or node level ({@code file('/x')}) is a <em>candidate</em>
 * declaration: it declares the resource with no parameters unless it is used as the target
 * of a relationship. Mutable only through {@link #markUsed}; confined to one compile.
 */
public final class Reference {
  private final String type;
  private final String title;
  private final SourceLocation location;
  private final boolean valid;
  private boolean used;

  Reference(String type, String title, SourceLocation location, boolean valid) {
    this.type = type;
    this.title = title;
    this.location = location;
    this.valid = valid;
  }

  String type() {
    return type;
  }

  String title() {
    return title;
  }

  String key() {
    return type + "[" + title + "]";
  }

  SourceLocation location() {
    return location;
  }

  /** False for references to unknown types or without a title; their error is already recorded. */
  boolean valid() {
    return valid;
  }

  boolean used() {
    return used;
  }

  void markUsed() {
    used = true;
  }

  /**
   * {@code a >> b}: {@code a} is applied before {@code b} (Puppet's {@code ->}); {@code b} may
   * be a reference or a list of them. Returns {@code b}, so {@code a >> b >> c} chains.
   */
  public Object rightShift(Object next) {
    return Evaluation.current().chain(this, next, dev.stead.proto.v1.EdgeKind.BEFORE);
  }

  /** {@code a >>> b}: as {@code >>}, and a change to {@code a} refreshes {@code b} (Puppet's {@code ~>}). */
  public Object rightShiftUnsigned(Object next) {
    return Evaluation.current().chain(this, next, dev.stead.proto.v1.EdgeKind.NOTIFIES);
  }

  @Override
  public String toString() {
    return key();
  }
}
