package io.basalt.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an in-memory Basalt server of its own, started before its first test and
 * stopped after its last. Test and lifecycle methods, and constructors, receive it as a parameter of type
 * {@link BasaltExtension} (endpoint, clients, controls) or {@link io.basalt.embedded.EmbeddedBasalt}.
 *
 * <pre>{@code
 * @BasaltTest
 * class OrdersTest {
 *     @Test
 *     void savesAnOrder(BasaltExtension basalt) {
 *         DynamoDbClient client = basalt.sdkV2().client();
 *         ...
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BasaltExtension.class)
public @interface BasaltTest {
}
