/** Raw logs (files or a stream) to events in Cassandra: parse, normalise, identify, flag bots, dedup. */
package io.trailcast.ingest;
