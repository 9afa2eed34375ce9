// sshd_config text from maps of keywords. Keywords are sorted so the same data always gives
// the same bytes; true/false become yes/no (YAML reads an unquoted `no` as false), and a list
// gives one line per element (HostKey, AcceptEnv, ...).
String config_lines(Map settings, String indent) {
    StringBuilder out = new StringBuilder()
    List keys = new ArrayList(settings.keySet())
    keys.sort().each { key ->
        String keyword = key.toString()
        if (!(keyword ==~ /[A-Za-z][A-Za-z0-9]*/)) {
            fail("sshd setting '${keyword}' is not an sshd_config keyword")
        }
        def value = settings[key]
        List values = value instanceof List ? value : [value]
        values.each { v ->
            out.append(indent).append(keyword).append(' ').append(config_word(keyword, v)).append('\n')
        }
    }
    out.toString()
}

// Match blocks, one per criteria ("User backup", "Address 10.0.0.0/8"), after every global
// keyword: sshd reads a Match block up to the next Match or the end of the file.
String match_blocks(Map matches) {
    StringBuilder out = new StringBuilder()
    List criteria = new ArrayList(matches.keySet())
    criteria.sort().each { c ->
        String line = c.toString()
        if (line.isBlank() || line.contains('\n')) {
            fail("sshd match criteria '${line}' must be one line, e.g. 'User backup'")
        }
        def block = matches[c]
        if (!(block instanceof Map) || block.isEmpty()) {
            fail("sshd match '${line}' needs a map of keywords")
        }
        out.append('\nMatch ').append(line).append('\n').append(config_lines(block, '    '))
    }
    out.toString()
}

String config_word(String keyword, Object value) {
    if (value == null) {
        fail("sshd setting ${keyword} has no value")
    }
    if (value instanceof Boolean) {
        return value ? 'yes' : 'no'
    }
    String text = value.toString()
    if (text.isBlank() || text.contains('\n') || text.contains('\r')) {
        fail("sshd setting ${keyword} must be one non-empty line, got '${text}'")
    }
    text
}

// Debian and its derivatives call the unit ssh; other families sshd.
String service_name() {
    facts.os?.family == 'Debian' ? 'ssh' : 'sshd'
}

// The check every sshd file passes before it is put in place (% is the staged file).
String validate_command() {
    '/usr/sbin/sshd -t -f %'
}
