/** Sustained-interest segments per person, for analysts. */
package io.trailcast.segments;
