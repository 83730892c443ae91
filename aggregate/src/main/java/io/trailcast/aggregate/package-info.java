/** Sessions, bounce, search CTR, daily and lifetime aggregates, the identity graph. */
package io.trailcast.aggregate;
