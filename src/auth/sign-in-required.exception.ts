import { UnauthorizedException } from '@nestjs/common';

/** No signed-in user: pages redirect to the sign-in page, the API answers 401. */
export class SignInRequiredException extends UnauthorizedException {
  constructor() {
    super('Sign in first: send a session cookie or an Authorization: Bearer token');
  }
}
