import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CHANNEL_PATTERNS, type ChannelHandlerMap, channelHandlers } from './channel.decorators.js';

/** A discovered channel class: its provider instance and which method handles what. */
export interface ChannelDefinition {
  name: string;
  patterns: string[];
  instance: Record<string, unknown>;
  handlers: ChannelHandlerMap;
}

interface Route {
  exact: boolean;
  prefix: string;
  definition: ChannelDefinition;
}

/**
 * Finds every provider decorated with @Channel and routes topics to them: an exact pattern
 * wins over prefixes, and a longer prefix over a shorter one.
 */
@Injectable()
export class ChannelRegistry implements OnModuleInit {
  private routes: Route[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const routes: Route[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as unknown;
      const instance = wrapper.instance as unknown;
      if (!instance || typeof metatype !== 'function') continue;
      const patterns = Reflect.getMetadata(CHANNEL_PATTERNS, metatype) as string[] | undefined;
      if (!patterns) continue;
      this.register(metatype.name, patterns, instance as Record<string, unknown>, routes);
    }
    this.routes = this.sorted(routes);
  }

  match(topic: string): ChannelDefinition | undefined {
    for (const route of this.routes) {
      if (route.exact ? topic === route.prefix : topic.startsWith(route.prefix))
        return route.definition;
    }
    return undefined;
  }

  private register(
    name: string,
    patterns: string[],
    instance: Record<string, unknown>,
    routes: Route[],
  ) {
    const definition: ChannelDefinition = {
      name,
      patterns,
      instance,
      handlers: channelHandlers(Object.getPrototypeOf(instance) as object),
    };
    for (const pattern of patterns) {
      const exact = !pattern.endsWith('*');
      routes.push({ exact, prefix: exact ? pattern : pattern.slice(0, -1), definition });
    }
  }

  private sorted(routes: Route[]): Route[] {
    return routes.sort(
      (a, b) => Number(b.exact) - Number(a.exact) || b.prefix.length - a.prefix.length,
    );
  }
}
