// Checks of what the module writes into files that apt, systemd and dpkg read, so a typo in
// data fails the compile naming the key instead of a file those tools skip or misread.

/** Fails unless value matches pattern; what names the data key and what was expected. */
void check_format(String key, String value, String pattern, String expected) {
    if (!(value ==~ pattern)) {
        fail("${key}: '${value}' is not ${expected}")
    }
}

/** A package name as Debian policy allows it, with an optional :architecture. */
String package_pattern() {
    /[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?/
}
