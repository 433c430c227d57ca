package io.basalt.server;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Date;

/**
 * The headers every DynamoDB response carries besides its body's: {@code Server}, {@code Date} and, for a browser's
 * request (one with an {@code Origin}), the CORS headers. Sources for each value are in docs/design/http.md.
 */
final class ResponseHeaders {
    static final AsciiString REQUEST_ID = AsciiString.cached("x-amzn-RequestId");
    static final AsciiString CRC32 = AsciiString.cached("x-amz-crc32");
    /** DynamoDB names itself "Server" (live responses, 2020 and 2021 captures). */
    private static final AsciiString SERVER = AsciiString.cached("Server");
    private static final AsciiString ANY_ORIGIN = AsciiString.cached("*");
    /** What DynamoDB lets a script read from a cross-origin response (live preflight capture, 2021). */
    private static final AsciiString EXPOSED = AsciiString.cached(
            "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date");
    /** How long a browser may cache DynamoDB's preflight answer: two days (live preflight capture, 2021). */
    private static final AsciiString MAX_AGE = AsciiString.cached("172800");

    /** The Date header of the current second: formatting it once a second, not once a response. */
    private static volatile CachedDate date = new CachedDate(-1, AsciiString.EMPTY_STRING);

    private record CachedDate(long second, AsciiString value) {
    }

    private ResponseHeaders() {
    }

    /** Adds Server and Date, as DynamoDB sends them first on every response. */
    static void addServerAndDate(HttpHeaders headers) {
        headers.add(HttpHeaderNames.SERVER, SERVER).add(HttpHeaderNames.DATE, now());
    }

    /**
     * Adds what DynamoDB answers a request that names an {@code Origin}: any origin may read the response, and
     * these headers of it. (DynamoDB sends both on every such response; Alternator's test_cors.py, run against
     * DynamoDB, checks them on GET, POST and OPTIONS.)
     */
    static void addCors(HttpHeaders headers) {
        headers.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN)
                .add(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    }

    /**
     * Adds the answer to a preflight {@code OPTIONS}: the requested headers and method are echoed as allowed,
     * and the answer may be cached for two days. Only a preflight carries these (test_cors.py).
     */
    static void addPreflight(HttpHeaders headers, HttpHeaders request) {
        String requestedHeaders = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requestedHeaders != null) {
            headers.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requestedHeaders);
        }
        String requestedMethod = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (requestedMethod != null) {
            headers.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, requestedMethod);
        }
        headers.add(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED)
                .add(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
    }

    /**
     * The current time as HTTP's IMF-fixdate (RFC 9110 section 5.6.7, the RFC 1123 form), for example
     * {@code Sun, 06 Nov 1994 08:49:37 GMT}.
     */
    static AsciiString now() {
        long millis = System.currentTimeMillis();
        long second = millis / 1000;
        CachedDate cached = date;
        if (cached.second() != second) {
            // A race here formats the same second twice; both results are equal, so either may win.
            cached = new CachedDate(second, new AsciiString(DateFormatter.format(new Date(second * 1000))));
            date = cached;
        }
        return cached.value();
    }
}
