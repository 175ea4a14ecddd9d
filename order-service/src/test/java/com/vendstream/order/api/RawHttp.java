package com.vendstream.order.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for what the HTTP clients will not do: declare a body that is never sent, or
 * stream a chunked body and read the answer before finishing it.
 */
final class RawHttp implements AutoCloseable {

    record Response(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttp(int port) throws IOException {
        socket = new Socket("localhost", port);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One chunk of a chunked body. */
    void chunk(String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        send(Integer.toHexString(bytes.length) + "\r\n" + data + "\r\n");
    }

    /** Reads one response: status line, headers, then the body by Content-Length or chunks. */
    Response read() throws IOException {
        String status = line();
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("Content-Length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("Content-Length"))));
        } else if ("chunked".equals(headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT))) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-response: " + line);
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
