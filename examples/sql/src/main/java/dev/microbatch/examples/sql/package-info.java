/** The word count as one Beam SQL query, in batch and in streaming. */
package dev.microbatch.examples.sql;
