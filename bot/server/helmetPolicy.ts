import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Pages another site may show in an iframe (the embed snippet opens /chat). */
const EMBEDDABLE = new Set(['/chat']);

export interface HelmetPolicyOptions {
  /** origins allowed to frame /chat (WIDGET_EMBED_ORIGINS); empty = this origin only */
  embedOrigins: readonly string[];
  /** behind HTTPS in production: upgrade stray http: subresources */
  production: boolean;
}

/**
 * Security headers for the whole app. Scripts only from this origin (no inline
 * script, no eval); styles also inline, because Web Chat injects its own
 * <style> elements at run time; images also data:/blob: (Web Chat's avatars,
 * the kiosk's QR code); connections only back to this origin.
 */
export function helmetPolicy({ embedOrigins, production }: HelmetPolicyOptions): RequestHandler {
  const directives = (frameAncestors: string[]) => ({
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    mediaSrc: ["'none'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors,
    upgradeInsecureRequests: production ? [] : null,
  });
  const strict = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives(["'self'"]) },
    referrerPolicy: { policy: 'same-origin' },
  });
  const embeddable = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives(["'self'", ...embedOrigins]) },
    referrerPolicy: { policy: 'same-origin' },
    // frame-ancestors above says who may frame it; X-Frame-Options cannot name another origin.
    xFrameOptions: false,
  });
  return (req, res, next) => (embedOrigins.length > 0 && EMBEDDABLE.has(req.path) ? embeddable : strict)(req, res, next);
}
