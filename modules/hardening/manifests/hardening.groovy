// A subset of the CIS Debian Linux 12 Benchmark (v1.1.0) that Stead can check and enforce.
// Each control is its own class, hardening::cis_<id with _ for .>, so an operator can
// include one alone, run it in audit mode, or leave it out:
//   include 'hardening'                           every control, enforced
//   include 'hardening', mode: 'audit'            every control, checked and reported only
//   hardening::exceptions: [cis_3_3_1]            data: leave a control out (a router forwards)
//   hardening::audit: ['5.1.20']                  data: one control in audit mode
// Each control's resources carry its class's tags (cis_5_1_20, hardening) and its level's
// (cis_level1, cis_level2): `stead apply --tags cis_level1`.
klass('hardening') { List exceptions = [], List audit = [] ->
    Set excepted = new LinkedHashSet(exceptions.collect { control_id(it, 'hardening::exceptions') })
    Set audited = new LinkedHashSet(audit.collect { control_id(it, 'hardening::audit') })
    controls().each { String id ->
        if (excepted.contains(id)) {
            // In the catalog's messages and so in every report: an exception is never silent.
            notice("hardening: control ${id} is excepted (hardening::exceptions)")
        } else if (audited.contains(id)) {
            include "hardening::${id}", mode: 'audit'
        } else {
            include "hardening::${id}"
        }
    }
}
