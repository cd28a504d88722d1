/**
 * The engine's one event channel. The engine fills a single reused EngineEvent and hands it to its
 * sink by type (an EventSink; a listener through ListenerSink): typed fields, no JSON and no strings
 * built per event. A listener that keeps an event copies it (`eventToObject`); JSON is made only
 * at the edge (`eventToJson`). All of it is generated from the event table (event-schema.ts).
 */
export * from "./events.generated.js";
