"use client";
import "contact-me";

export default function Contact() {
  return <contact-me room="site" host="rooms.example" />;
}
