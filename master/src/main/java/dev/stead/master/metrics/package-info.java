/**
 * The master's Prometheus endpoint: compile latency, catalogs served, reports received,
 * nodes by status, drift, CA and CRL ages and database sizes, in the Prometheus text
 * exposition format (version 0.0.4), written by hand: it is a few lines of text.
 */
package dev.stead.master.metrics;
