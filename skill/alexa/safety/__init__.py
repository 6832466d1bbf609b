"""Red-flag answers on Alexa: `screening` (the interceptor that screens every slot value in every state) and
`answers` (every tier, the symptom intent, the fallback's safety net; the emergency answer needs no store or API).
Detection is skill/core/safety/."""
