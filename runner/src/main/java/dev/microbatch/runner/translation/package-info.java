/**
 * The translation framework shared by both modes: the context of the transform being translated,
 * the pipeline's preparation (overrides, expansion of what is not translated whole), a translated
 * pipeline's contract, and the conformance of Rows to their PCollection's schema.
 */
package dev.microbatch.runner.translation;
