package dev.stead.dsl.internal;

/**
 * What a module's name reads as in code: {@code app.fqdn_url('x')} calls the helper function
 * {@code fqdn_url} from {@code modules/app/functions/}. Holds only the module's name; each call
 * goes to the compile running on this thread.
 */
public final class ModuleFunctions {
  private final String module;

  ModuleFunctions(String module) {
    this.module = module;
  }

  public Object methodMissing(String name, Object args) {
    return Evaluation.current().callFunction(module, name, (Object[]) args);
  }

  @Override
  public String toString() {
    return "module " + module;
  }
}
