package com.vendstream.poller.requery;

/**
 * Which instance drives a schedule: the one that currently owns the partition of the source stream
 * the pending event arrived on (source = topic name, partition = its number). The messaging edge
 * tells the domain which owners this instance holds.
 */
public record Owner(String source, int partition) {
}
