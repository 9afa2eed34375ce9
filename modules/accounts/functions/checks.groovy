// Checks of the data the module reads, so a typo fails the compile naming the data key
// instead of being dropped or reported as a parameter of an internal defined type.

/** Fails unless attrs (one entry of a data map, may be null) uses only the known keys. */
void check_attributes(String key, String name, Map attrs, List known) {
    (attrs ?: [:]).keySet().each { k ->
        if (!known.contains(k)) {
            fail("${key}: '${name}' has unknown attribute '${k}' (known: ${known.join(', ')})")
        }
    }
}

/** What a user's entry in accounts::users may set. */
List user_attributes() {
    ['ensure', 'uid', 'gid', 'comment', 'shell', 'home', 'groups', 'ssh_keys', 'purge_ssh_keys',
     'managehome', 'expiry', 'password']
}
