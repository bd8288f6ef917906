/**
 * Running a user's DoFn over a partition: Beam's DoFnRunner (or a leaner one for plain element
 * DoFns, whose classes each step runs its own copy of), its instances per task, its output buffer,
 * and the fusion of consecutive ParDos.
 */
package dev.microbatch.runner.execution.dofn;
