package dev.stead.types;

/** When a parameter must be given. */
public enum Requirement {
  /** Unset is fine: the default applies, or the property is left alone. */
  OPTIONAL,
  /** Always. */
  ALWAYS,
  /** When the resource's {@code ensure} (given or defaulted) is {@code present}. */
  WHEN_PRESENT
}
