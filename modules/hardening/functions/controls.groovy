// Every control of the module, in the order the hardening class includes them. The class of
// control `cis_5_1_20` is `hardening::cis_5_1_20` (benchmark 5.1.20; Groovy names cannot
// hold dots).
List controls() {
    ['cis_1_1_1_1', 'cis_1_1_1_6', 'cis_1_1_1_7',
     'cis_1_5_3',
     'cis_3_3_1', 'cis_3_3_2', 'cis_3_3_3', 'cis_3_3_4', 'cis_3_3_5', 'cis_3_3_6', 'cis_3_3_7',
     'cis_3_3_8', 'cis_3_3_9', 'cis_3_3_10',
     'cis_5_1_6', 'cis_5_1_7', 'cis_5_1_10', 'cis_5_1_11', 'cis_5_1_12', 'cis_5_1_13',
     'cis_5_1_14', 'cis_5_1_15', 'cis_5_1_16', 'cis_5_1_19', 'cis_5_1_20', 'cis_5_1_21',
     'cis_5_1_22',
     'cis_5_4_1_1', 'cis_5_4_1_2', 'cis_5_4_1_3',
     'cis_6_3_1_1', 'cis_6_3_1_2', 'cis_6_3_3_8',
     'cis_7_1_1', 'cis_7_1_3', 'cis_7_1_5', 'cis_7_1_7']
}

// A control id as data may write it (`cis_5_1_20`, `5.1.20`, `hardening::cis_5_1_20`),
// as the class suffix; an id the module does not have is an error naming `key`.
String control_id(Object written, String key) {
    String id = written.toString().trim()
    if (id.startsWith('hardening::')) {
        id = id.substring('hardening::'.length())
    }
    if (id ==~ /[0-9]+(\.[0-9]+)*/) {
        id = 'cis_' + id.replace('.', '_')
    }
    if (!controls().contains(id)) {
        fail("${key}: '${written}' is not a control of the hardening module (it has ${controls().join(', ')})")
    }
    id
}

// Whether the network controls also set the IPv6 parameters.
boolean ipv6() {
    lookup('hardening::ipv6', default: true)
}

// The sshd_config.d drop-in an sshd control writes: named so it sorts before the usual drop-ins
// (cloud-init's 50-cloud-init.conf), since sshd keeps the first value it reads.
void ssh_setting(String control, Map settings) {
    sshd_dropin("10-${control}", settings: settings)
}
