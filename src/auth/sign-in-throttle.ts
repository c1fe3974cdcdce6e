import type { ExecutionContext } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';

/** Sign-in attempts per minute from one address (LOGIN_RATE_LIMIT), read at request time. */
export const SignInThrottle = () =>
  Throttle({
    default: {
      ttl: 60_000,
      limit: (context: ExecutionContext) => Number(context.switchToHttp().getRequest().app.get('loginRateLimit') ?? 30),
    },
  });
