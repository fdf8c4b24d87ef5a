export interface ReaderOptions {
  maxTimelineEvents?: number;
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
}
