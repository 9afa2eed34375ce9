/**
 * The operators' dashboard: HTTPS with the master's own server certificate, operator
 * logins managed by the master (salted PBKDF2 in {@code DATA/operators}), server-rendered
 * pages with inline SVG charts and a small served script ({@code /dashboard.js}) that
 * refreshes the overview without a reload, and the forms that except and lift drift,
 * guarded by a per-session form token ({@link dev.stead.master.web.FormGuard}).
 */
package dev.stead.master.web;
