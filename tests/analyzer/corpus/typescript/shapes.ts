// Geometry helpers: types done well, and a few `any` shortcuts.
import { z } from "zod";
import type { Logger } from "@acme/logging/console";

export type Shape = // expect: pattern:discriminated-unions, pattern:typescript
  | { kind: "circle"; radius: number }
  | { kind: "square"; side: number };

interface Circle { // expect: pattern:typescript
  kind: "circle";
  radius: number;
}

interface Rect {
  kind: "rect";
  width: number;
  height: number;
}

export type Figure = Circle | Rect; // expect: pattern:discriminated-unions
export type Id = string | number; // ok: pattern:discriminated-unions

declare var __BUILD__: string; // ok: js.var

export function area(shape: Shape): number { // expect: pattern:type-annotations
  switch (shape.kind) {
    case "circle":
      return Math.PI * shape.radius ** 2;
    case "square":
      return shape.side ** 2;
  }
}

export function parse(input: any): Shape { // expect: ts.any
  const raw = JSON.parse(input) as any; // expect: ts.any
  const cache: Record<string, unknown> = {}; // ok: ts.any
  cache.anything = raw; // ok: ts.any
  return raw;
}

export function legacy(value: unknown): number {
  return (<any>value).size; // expect: ts.any
}

export class Registry<T extends { id: string }> {
  private items = new Map<string, T>();

  add(item: T, log?: Logger): void {
    if (this.items.get(item.id) != null) { // ok: js.loose-equality
      log?.warn(`replacing ${item.id}`);
    }
    this.items.set(item.id, item);
  }
}

export const schema = z.object({ id: z.string() });
export const version = __BUILD__;
