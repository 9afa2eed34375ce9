package dev.stead.dsl.internal;

import groovy.lang.GroovySystem;
import groovy.lang.MetaClass;

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
}
