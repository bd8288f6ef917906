/**
 * Lines from a TCP socket, received on a thread of their own into a bounded buffer: behind the
 * engine's socketTextStream and Beam's SocketIO alike.
 */
package dev.microbatch.engine.stream.socket;
