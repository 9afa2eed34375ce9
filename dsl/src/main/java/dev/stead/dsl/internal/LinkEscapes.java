package dev.stead.dsl.internal;

/**
 * How compile errors say that a file of the code leads outside where it may be read from
 * (see {@code dev.stead.wire.ConfinedFiles}): the file as the code names it, and the bound,
 * never the link's target, whose contents must stay unread. Stateless.
 */
final class LinkEscapes {
  private LinkEscapes() {}

  /** {@code shown} is a module's file, e.g. {@code modules/app/files/a.conf}. */
  static String outsideModule(String shown, String module) {
    return shown + " leads outside module '" + module + "' through a symbolic link (a link may"
        + " only point inside its module)";
  }

  /** {@code shown} is an environment's file, e.g. {@code data/common.yaml}. */
  static String outsideEnvironment(String shown) {
    return shown + " leads outside the environment through a symbolic link (a link may only"
        + " point inside the environment)";
  }

  /** {@code shown} is a module's directory in a directory of modules. */
  static String outsideModuleRoot(String shown) {
    return shown + " leads outside the directory of modules it is in through a symbolic link"
        + " (a module may only be a link to a directory inside it)";
  }
}
