/** The streaming job: ingest, sessions, live metrics and scores on events as they arrive. */
package io.trailcast.stream;
