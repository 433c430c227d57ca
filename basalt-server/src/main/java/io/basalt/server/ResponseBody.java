package io.basalt.server;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Writes one successful response as a JSON document. */
@FunctionalInterface
public interface ResponseBody {
    ResponseBody EMPTY = out -> {
        out.writeStartObject();
        out.writeEndObject();
    };

    /** No body at all (TagResource and UntagResource answer with an empty HTTP body). */
    ResponseBody NONE = out -> {
    };

    void write(JsonGenerator out) throws IOException;
}
