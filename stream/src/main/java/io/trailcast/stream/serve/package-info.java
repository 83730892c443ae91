/**
 * {@code trailcast serve}: the HTTP JSON API over what the pipeline stored (scores, live bounce),
 * and conversion scores computed at request time with the stream's scorer. Plain driver queries
 * with statements prepared once; no Spark on the request path.
 */
package io.trailcast.stream.serve;
