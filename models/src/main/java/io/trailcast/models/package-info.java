/** The conversion classifier on user trails (MLlib) and its scores. */
package io.trailcast.models;
