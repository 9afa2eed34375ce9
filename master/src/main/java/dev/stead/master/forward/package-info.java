/**
 * Report forwarding, as Puppet's report processors and Chef's handlers do it: each stored
 * report that found drift or failed goes to an HTTPS webhook (signed with an HMAC) and to
 * syslog, from a bounded queue on a thread of its own, so that a slow or failing receiver
 * never holds up report storage.
 */
package dev.stead.master.forward;
