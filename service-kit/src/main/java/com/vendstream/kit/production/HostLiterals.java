package com.vendstream.kit.production;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Whether a URL's host is an address literal of this machine or its link (loopback, any-local, link-local such as
 * the cloud metadata address), in any spelling a resolver accepts: 127.0.0.2, 2130706433, 0x7f.1, 0177.0.0.1,
 * [0:0:0:0:0:0:0:1], [::ffff:127.0.0.1]. Names are never looked up: only a literal is parsed (JDK 17 has no
 * InetAddress.ofLiteral, and getByName does no lookup for an IPv6 literal or for bytes we build ourselves).
 * Private ranges are allowed: an in-cluster gateway lives there.
 */
final class HostLiterals {

    /** The last label of a numeric IPv4 spelling; a DNS top-level label is never all digits. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("0x[0-9a-f]*|[0-9]+");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(%[0-9a-z._~-]+)?]");

    private HostLiterals() {
    }

    /** {@code host} lower case, without a trailing dot. A literal no resolver would accept counts as local too. */
    static boolean local(String host) {
        if (IPV6.matcher(host).matches()) {
            try {
                return local(InetAddress.getByName(host.substring(1, host.length() - 1)));
            } catch (UnknownHostException e) {
                return true;
            }
        }
        String lastLabel = host.substring(host.lastIndexOf('.') + 1);
        if (!NUMERIC_LABEL.matcher(lastLabel).matches()) {
            return false;
        }
        byte[] ipv4 = ipv4(host);
        try {
            return ipv4 == null || local(InetAddress.getByAddress(ipv4));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static boolean local(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && Arrays.equals(Arrays.copyOf(bytes, 12), new byte[12])) {
            // An IPv4-compatible address (::127.0.0.1): the IPv4 address it carries.
            try {
                return local(InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)));
            } catch (UnknownHostException e) {
                return true;
            }
        }
        return address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                // 0.0.0.0/8 is "this network": it reaches this machine.
                || bytes.length == 4 && bytes[0] == 0;
    }

    /** IPv4 as inet_aton reads it (1 to 4 parts, decimal, 0x hex or 0 octal), or null when it is none. */
    private static byte[] ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long address = 0;
        for (int i = 0; i < parts.length; i++) {
            Long part = number(parts[i]);
            boolean last = i == parts.length - 1;
            long max = last ? (1L << (8 * (4 - i))) - 1 : 255;
            if (part == null || part > max) {
                return null;
            }
            address = last ? address << (8 * (4 - i)) | part : address << 8 | part;
        }
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long number(String part) {
        try {
            if (part.startsWith("0x")) {
                return part.length() > 10 ? null : Long.parseLong(part.substring(2), 16);
            }
            if (part.length() > 1 && part.startsWith("0")) {
                return part.length() > 12 ? null : Long.parseLong(part.substring(1), 8);
            }
            return part.length() > 10 ? null : Long.parseLong(part);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
