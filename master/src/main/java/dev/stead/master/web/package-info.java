/**
 * The operators' dashboard: HTTPS with the master's own server certificate, operator
 * logins managed by the master (salted PBKDF2 in {@code DATA/operators}), server-rendered
 * pages with inline SVG charts and a small served script ({@code /dashboard.js}) that
 * refreshes the overview without a reload.
 */
package dev.stead.master.web;
