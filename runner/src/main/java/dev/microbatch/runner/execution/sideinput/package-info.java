/**
 * Side inputs: their values per window, read through Beam's SideInputReader, broadcast to tasks,
 * and in streaming mode updated pane by pane, with elements pushed back until their side input
 * windows are ready.
 */
package dev.microbatch.runner.execution.sideinput;
