/** URL themes: CoreNLP tokens, Word2Vec vectors, analyst rules (the "Theme" definition of DESIGN.md). */
package io.trailcast.enrich;
