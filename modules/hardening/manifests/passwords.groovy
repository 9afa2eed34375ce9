// 5.4.1.x: password ageing defaults in /etc/login.defs, which useradd and passwd apply to
// accounts created or changed afterwards; accounts that exist keep their /etc/shadow fields.
// Each sets one line: the first uncommented line setting the key is replaced, or the line
// is added.
define('hardening_login_def') { String value ->
    line("login.defs ${title}") {
        path '/etc/login.defs'
        line "${title} ${value}"
        // Uncommented lines only: Debian's login.defs names every key in a comment first.
        match "^\\s*${title}\\b"
    }
}

// 5.4.1.1 Ensure password expiration is configured (365 days or less; Level 1)
klass('hardening::cis_5_4_1_1') { int max_days = 365 ->
    tag 'cis_level1'
    if (max_days < 1 || max_days > 365) {
        fail("hardening::cis_5_4_1_1::max_days must be 1 to 365, got ${max_days}")
    }
    hardening_login_def('PASS_MAX_DAYS', value: max_days.toString())
}

// 5.4.1.2 Ensure minimum password days is configured (1 or more; Level 2)
klass('hardening::cis_5_4_1_2') { int min_days = 1 ->
    tag 'cis_level2'
    if (min_days < 1) {
        fail("hardening::cis_5_4_1_2::min_days must be 1 or more, got ${min_days}")
    }
    hardening_login_def('PASS_MIN_DAYS', value: min_days.toString())
}

// 5.4.1.3 Ensure password expiration warning days is configured (7 or more; Level 1)
klass('hardening::cis_5_4_1_3') { int warn_days = 7 ->
    tag 'cis_level1'
    if (warn_days < 7) {
        fail("hardening::cis_5_4_1_3::warn_days must be 7 or more, got ${warn_days}")
    }
    hardening_login_def('PASS_WARN_AGE', value: warn_days.toString())
}
