/**
 * {@link dev.microbatch.io.socket.SocketIO}: lines from a TCP socket as an unbounded PCollection,
 * on any Beam runner.
 */
package dev.microbatch.io.socket;
