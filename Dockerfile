# One image recipe for every vendstream service: docker build --build-arg MODULE=order-service .
# Build the jars first: ./mvnw -DskipTests package
FROM eclipse-temurin:17-jre
ARG MODULE
RUN useradd --system --uid 10001 vendstream
COPY ${MODULE}/target/${MODULE}-*-exec.jar /app/app.jar
USER vendstream
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
