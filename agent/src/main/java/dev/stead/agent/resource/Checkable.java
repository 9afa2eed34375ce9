package dev.stead.agent.resource;

/**
 * One resource of the catalog, bound to its type: the heart of every type. Observe the
 * current state, compare it property by property with the desired state, and apply the
 * differences only when {@code apply} is true: noop runs take exactly the same path, so a
 * dry run cannot disagree with the real one.
 *
 * <p>Contract: never throws for trouble on the machine (missing directories, permissions,
 * I/O errors); it returns {@link Result#failed} naming the cause. A thrown exception is a bug
 * and the engine reports it as one.
 */
public interface Checkable {
  Result checkApply(ApplyContext context, boolean apply);
}
