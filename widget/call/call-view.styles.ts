/**
 * Styles of `<contact-me-call>`: the status line, the media stage (the other
 * side's video or picture, this side's camera in a corner, chips over it),
 * the round icon toolbar and the device settings panel.
 * @module
 */
import { css } from "lit";
import { baseStyles } from "../styles.ts";

export const callViewStyles = [
  baseStyles,
  css`
    :host {
      display: grid;
      gap: 0.6em;
    }
    p {
      margin: 0;
    }
    .screen {
      display: grid;
      gap: 0.6em;
    }
    [part="tap-to-unmute"] {
      justify-self: center;
    }
    .screen:fullscreen {
      grid-template-rows: 1fr auto auto;
      padding: 1rem;
      background: #000;
      color: #fff;
      box-sizing: border-box;
    }
    .screen:fullscreen .stage {
      aspect-ratio: auto;
      height: 100%;
    }
    .screen:fullscreen .stage video[part="remote-video"] {
      object-fit: contain;
    }

    /* The stage: the other side fills it; this side is a small overlay. */
    .stage {
      position: relative;
      overflow: hidden;
      border-radius: var(--_radius);
      background: #15171b;
      color: #fff;
      aspect-ratio: 16 / 9;
      min-height: 8rem;
    }
    .stage.audio {
      aspect-ratio: auto;
      height: 9rem;
    }
    .stage video {
      display: block;
      border-radius: 0;
      background: #000;
    }
    .stage video[part="remote-video"] {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      object-fit: cover;
    }
    .stage video[part="local-video"] {
      position: absolute;
      right: 0.5rem;
      bottom: 0.5rem;
      width: 28%;
      min-width: 4.5rem;
      max-width: 12rem;
      aspect-ratio: 4 / 3;
      object-fit: cover;
      border-radius: 8px;
      border: 2px solid rgb(255 255 255 / 0.85);
      box-shadow: 0 2px 8px rgb(0 0 0 / 0.45);
      /* A mirror, as people expect to see themselves. */
      transform: scaleX(-1);
      z-index: 2;
    }
    .stage video[part="local-video"].off {
      opacity: 0.4;
    }

    /* A shared screen: a large tile (two side by side when both share); the cameras get small. */
    .stage.sharing {
      display: flex;
      gap: 2px;
    }
    .tile {
      position: relative;
      flex: 1;
      min-width: 0;
      margin: 0;
      background: #000;
    }
    .tile video {
      width: 100%;
      height: 100%;
      object-fit: contain;
    }
    .tile figcaption {
      position: absolute;
      top: 0.5rem;
      left: 0.5rem;
      font-size: 0.8em;
      padding: 0.25em 0.6em;
      border-radius: 999px;
      background: rgb(0 0 0 / 0.66);
      color: #fff;
    }
    .stage.sharing video[part="remote-video"],
    .stage.sharing .avatar {
      inset: 0.5rem 0.5rem auto auto;
      width: 24%;
      min-width: 4.5rem;
      max-width: 10rem;
      height: auto;
      aspect-ratio: 4 / 3;
      border-radius: 8px;
      z-index: 2;
    }
    .stage.sharing video[part="local-video"] {
      width: 18%;
      max-width: 8rem;
    }
    .screen:fullscreen .stage.sharing video[part="remote-video"] {
      object-fit: cover;
    }

    /* The other side's picture or initials, when there is no video to show. */
    .avatar {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      background: radial-gradient(circle at 50% 40%, #2c3140, #15171b 75%);
      z-index: 1;
    }
    .avatar img,
    .avatar .initials {
      width: min(6rem, 45%);
      aspect-ratio: 1;
      border-radius: 50%;
    }
    .avatar img {
      object-fit: cover;
      box-shadow: 0 0 0 3px rgb(255 255 255 / 0.2);
    }
    .avatar .initials {
      display: grid;
      place-items: center;
      background: #3b4a7a;
      color: #fff;
      font-size: clamp(1.4rem, 6vmin, 2.4rem);
      font-weight: 600;
      letter-spacing: 0.04em;
      user-select: none;
    }

    /* Timer, quality, the other side's mute and camera state: bottom-left chips. */
    .chips {
      position: absolute;
      left: 0.5rem;
      bottom: 0.5rem;
      max-width: calc(100% - 1rem - min(28%, 12rem));
      display: flex;
      flex-wrap: wrap;
      gap: 0.3em;
      z-index: 2;
    }
    .chip {
      font-size: 0.8em;
      line-height: 1.2;
      padding: 0.25em 0.6em;
      border-radius: 999px;
      background: rgb(0 0 0 / 0.66);
      color: #fff;
    }
    [part="call-quality"][data-quality]::before {
      content: "";
      display: inline-block;
      width: 0.6em;
      height: 0.6em;
      border-radius: 50%;
      margin-right: 0.35em;
      background: #81c784;
    }
    [part="call-quality"][data-quality="fair"]::before {
      background: #ffca28;
    }
    [part="call-quality"][data-quality="poor"]::before {
      background: #ff8a80;
    }

    /* The toolbar: round icon buttons, then Hang up / Cancel. */
    .toolbar {
      position: relative;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      justify-content: center;
      align-items: center;
      gap: 0.4rem;
    }
    .glyph {
      width: 20px;
      height: 20px;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
      stroke-linecap: round;
      stroke-linejoin: round;
      flex: none;
    }
    .glyph .fill {
      fill: currentColor;
      stroke: none;
    }
    button.icon {
      width: 2.5rem;
      height: 2.5rem;
      padding: 0;
      border-radius: 50%;
      display: inline-grid;
      place-items: center;
    }
    button.icon:hover {
      border-color: var(--_muted);
    }
    /* Pressed toggles are filled; muted and camera off in the deep red with a white icon, readable in both schemes. */
    button.icon[aria-pressed="true"],
    button.icon[aria-expanded="true"] {
      background: var(--_fg);
      border-color: var(--_fg);
      color: var(--_bg);
    }
    button.icon[part="mute"][aria-pressed="true"],
    button.icon[part="camera"][aria-pressed="true"] {
      background: var(--_danger-fill);
      border-color: var(--_danger-fill);
      color: var(--_on-danger);
    }
    button.end {
      display: inline-flex;
      align-items: center;
      gap: 0.4em;
      height: 2.5rem;
      padding: 0 0.9em;
      border-radius: 999px;
      font-weight: 600;
    }

    .avatar svg.person {
      width: 55%;
      height: 55%;
      fill: currentColor;
    }

    /* The device settings panel, over the bottom of the stage. */
    .popover {
      position: absolute;
      bottom: calc(100% + 0.5rem);
      left: 50%;
      transform: translateX(-50%);
      width: min(18rem, 100%);
      box-sizing: border-box;
      display: grid;
      gap: 0.6em;
      padding: 0.75em;
      background: var(--_bg);
      color: var(--_fg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      box-shadow: 0 6px 24px rgb(0 0 0 / 0.3);
      z-index: 3;
    }

    /*
     * Phone size: the stage takes the height the sheet leaves, and the
     * toolbar (Hang up included) sits at the bottom, under the thumb.
     */
    @media (max-width: 480px) {
      :host {
        display: flex;
        flex-direction: column;
      }
      .screen {
        flex: 1 1 auto;
        display: flex;
        flex-direction: column;
      }
      .stage.video,
      .stage.audio {
        flex: 1 1 auto;
        aspect-ratio: auto;
        height: auto;
        min-height: 14rem;
      }
    }
  `,
];
