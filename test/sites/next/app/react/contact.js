"use client";
import { ContactMe } from "contact-me/react";

export default function Contact() {
  return <ContactMe room="site" host="rooms.example" strings={{ launcher: "Write to us" }} onContactMeOpen={() => {}} />;
}
